-- First thing: sends to its own pid, and reports the send's result to `parent`
-- (topic "self_send": {ok, err}).
local function main(parent)
  local ok, err = process.send(process.pid(), "self", 1)
  process.send(parent, "self_send", { ok = ok, err = err and tostring(err) })
  return true
end

return { main = main }
