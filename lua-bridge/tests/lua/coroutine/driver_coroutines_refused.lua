-- coroutine.resume and coroutine.close refuse the coroutines the process runs (main and
-- coroutine.spawn ones): a waiting one stays in its wait, and what it waits for still
-- reaches it.
local receive = require("wait").receive

local function main()
  local ch = channel.new()
  local results = channel.new(1)
  local co = coroutine.spawn(function()
    local v = ch:receive()
    results:send(v)
  end)
  local ok, msg = coroutine.resume(co, "injected")
  if ok ~= false or not tostring(msg):find("cannot resume a coroutine the process runs", 1, true) then
    return false, "resume of a spawned coroutine: " .. tostring(ok) .. ", " .. tostring(msg)
  end
  local closed, cerr = pcall(coroutine.close, co)
  if closed or not tostring(cerr):find("cannot close a coroutine the process runs", 1, true) then
    return false, "close of a spawned coroutine: " .. tostring(cerr)
  end
  local main_co = coroutine.running()
  local from_spawned = channel.new(1)
  coroutine.spawn(function()
    from_spawned:send({ coroutine.resume(main_co) })
  end)
  local r = receive(from_spawned)
  if r[1] ~= false then
    return false, "resume of main from a spawned coroutine succeeded"
  end
  ch:send("real")
  if receive(results) ~= "real" then
    return false, "the spawned coroutine lost its value"
  end
  return true
end

return { main = main }
