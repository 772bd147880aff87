-- A loop that never blocks but polls its inbox with `select{..., default = true}` still
-- gets a message sent to it meanwhile: what arrives is taken in whenever the process is
-- preempted (every time slice), not only once it waits. Polling for a CANCEL or a stop
-- message between chunks of work relies on it.
local function main()
  local inbox = process.inbox()
  local me = process.pid()
  process.send(me, "stop", true)
  local t0 = os.clock()
  local polls = 0
  while os.clock() - t0 < 2 do
    polls = polls + 1
    local r = channel.select { inbox:case_receive(), default = true }
    if not r.default then
      return true
    end
  end
  return false, "no message after " .. polls .. " polls in 2 s of CPU"
end

return { main = main }
