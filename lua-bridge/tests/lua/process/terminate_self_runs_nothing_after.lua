-- A process that terminates itself ends at that call, as in the original: nothing after
-- it runs, not the rest of its code (also under pcall, or terminated by its own name),
-- nor a coroutine of its that was ready to run. Its EXIT carries the error, also where
-- the call cannot yield (coroutine.wrap, a __tostring that tostring calls) and the
-- process ends when control comes back to the runtime.
local time = require("time")

local function main()
  local inbox = process.inbox()
  local events = process.events()
  for _, how in ipairs({ "plain", "pcall", "name", "sibling", "wrap", "tostring" }) do
    local pid = assert(process.spawn_monitored("test:self_terminate_then_send_worker",
      "test:processes", process.pid(), how))
    local timeout = time.after("2s")
    local r = channel.select { inbox:case_receive(), timeout:case_receive() }
    if r.channel == timeout then return false, how .. ": no 'before'" end
    if r.value:topic() ~= "before" then return false, how .. ": got " .. r.value:topic() end
    r = channel.select { events:case_receive(), inbox:case_receive(), timeout:case_receive() }
    if r.channel == timeout then return false, how .. ": worker did not end" end
    if r.channel == inbox then
      return false, how .. ": code after terminate ran (" .. r.value:topic() .. " "
        .. tostring(r.value:payload():data()) .. ")"
    end
    if r.value.from ~= pid then return false, how .. ": EXIT from a stranger" end
    if r.value.result.error == nil then
      return false, how .. ": exited normally with " .. tostring(r.value.result.value)
    end
    r = channel.select { inbox:case_receive(), default = true }
    if not r.default then
      return false, how .. ": message after the EXIT: " .. r.value:topic()
    end
  end
  return true
end

return { main = main }
