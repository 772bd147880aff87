-- main(...) receives the spawn arguments; a missing argument is nil.
local function main()
  local events = process.events()
  local pid = assert(process.spawn_monitored("test:normal_worker", "test:processes", "given"))
  local ev = events:receive()
  if ev.from ~= pid or ev.result.value ~= "given" then
    return false, "argument did not reach main"
  end
  pid = assert(process.spawn_monitored("test:normal_worker", "test:processes"))
  ev = events:receive()
  if ev.from ~= pid or ev.result.value ~= 42 then
    return false, "missing argument was not nil"
  end
  return true
end

return { main = main }
