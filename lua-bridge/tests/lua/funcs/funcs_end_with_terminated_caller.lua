-- A call lives as long as its caller also when the caller is terminated, by another
-- process or by itself: the function still running for it is terminated (its EXIT
-- comes to a monitor with an error).
local receive = require("wait").receive

local function main()
  local inbox = process.inbox()
  local events = process.events()
  for _, how in ipairs({ "other", "self" }) do
    local caller = process.spawn("test:async_caller_worker", "test:processes", process.pid(), how)
    local fn_pid = receive(inbox):payload():data()
    assert(process.monitor(fn_pid))
    if how == "self" then
      process.send(caller, "go", true)
    else
      assert(process.terminate(caller))
    end
    local exit = receive(events, "3s")
    if exit == nil or exit.kind ~= process.event.EXIT or exit.from ~= fn_pid
        or exit.result.error == nil then
      return false, how .. ": the function's EXIT: " .. tostring(exit and exit.kind)
    end
  end
  return true
end

return { main = main }
