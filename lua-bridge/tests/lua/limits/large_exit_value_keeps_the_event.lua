-- (Run with a 16 MiB per-process limit.) A monitored child returns a value that does
-- not fit in what its monitor has left of its memory. The EXIT event still arrives: its
-- result carries an error that says why the value is missing, instead of the receive
-- failing with a memory error and the event being lost. process.exec returns nil, err
-- for such a result.
local function main()
  -- About 11 MiB kept here, so that fewer than 5 MiB are left.
  local ballast = {}
  for i = 1, 110 do
    ballast[i] = string.rep(string.char(65 + i % 26), 100 * 1024 - 40) .. tostring(i)
  end
  -- 70 000 strings of 48 bytes: about 6 MiB as Lua values.
  local pid, err = process.spawn_monitored("test:large_result_worker", "test:processes", 70000)
  if not pid then
    return false, "spawn: " .. tostring(err)
  end
  local events = process.events()
  local ok, ev = pcall(function()
    local e = events:receive()
    return e
  end)
  if not ok then
    return false, "the receive raised: " .. tostring(ev)
  end
  if ev.kind ~= process.event.EXIT or ev.from ~= pid then
    return false, "expected the child's EXIT, got " .. tostring(ev.kind) .. " from " .. tostring(ev.from)
  end
  if ev.result.value ~= nil then
    return false, "the value should be missing"
  end
  local e = ev.result.error
  if e == nil or ev.error ~= e then
    return false, "expected result.error and event.error, got " .. tostring(e) .. " / " .. tostring(ev.error)
  end
  local text = tostring(e)
  if not text:find("memory limit exceeded", 1, true) or not text:find("result", 1, true) then
    return false, "unexpected error text: " .. text
  end
  if e:kind() ~= errors.INTERNAL then
    return false, "unexpected kind " .. tostring(e:kind())
  end
  local v, exec_err = process.exec("test:large_result_worker", "test:processes", 70000)
  if v ~= nil or exec_err == nil or not tostring(exec_err):find("memory limit exceeded", 1, true) then
    return false, "process.exec should return nil, err; got " .. tostring(v) .. ", " .. tostring(exec_err)
  end
  -- Once the ballast is gone, the same value fits.
  ballast = nil
  local pid2 = process.spawn_monitored("test:large_result_worker", "test:processes", 70000)
  local ev2 = events:receive()
  if ev2.from ~= pid2 or type(ev2.result.value) ~= "table" or #ev2.result.value ~= 70000 then
    return false, "the second EXIT should carry the value"
  end
  if ev2.result.value[70000] ~= string.format("%048d", 70000) then
    return false, "wrong value"
  end
  return true
end

return { main = main }
