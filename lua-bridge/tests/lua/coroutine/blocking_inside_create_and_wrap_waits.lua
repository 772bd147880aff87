-- A blocking call inside a script coroutine (coroutine.create, coroutine.wrap) waits:
-- the wait passes up through each resume to the process's own coroutine, as the
-- original passes such waits up, so generators can receive and sleep. Meanwhile the
-- script coroutine is "normal" and cannot be resumed from elsewhere; where no yield can
-- pass (a __close), blocking is still an error.
local time = require("time")

local function main()
  -- A generator over a channel that another coroutine feeds later.
  local ch = channel.new()
  coroutine.spawn(function()
    for i = 1, 3 do
      time.sleep("1ms")
      ch:send(i)
    end
    ch:close()
  end)
  local gen = coroutine.wrap(function()
    while true do
      local v, ok = ch:receive()
      if not ok then return nil end
      coroutine.yield(v * 10)
    end
  end)
  local got = {}
  for v in gen do
    got[#got + 1] = v
  end
  if table.concat(got, ",") ~= "10,20,30" then
    return false, "generator over a channel: " .. table.concat(got, ",")
  end

  -- coroutine.resume of a coroutine that sleeps, then returns; nested in a wrap.
  local co = coroutine.create(function(a)
    time.sleep("2ms")
    local inner = coroutine.wrap(function()
      time.sleep("1ms")
      return "inner"
    end)
    return a + 1, inner()
  end)
  local ok, v, w = coroutine.resume(co, 41)
  if not ok or v ~= 42 or w ~= "inner" or coroutine.status(co) ~= "dead" then
    return false, "resume across sleeps: " .. tostring(ok) .. " " .. tostring(v) .. " " .. tostring(w)
  end

  -- While it waits, it is "normal" to the process's other coroutines, which cannot
  -- resume or close it.
  local gate = channel.new()
  local waiting = coroutine.create(function() return gate:receive() end)
  local seen = channel.new(1)
  coroutine.spawn(function()
    -- A new coroutine runs first: let main start the waiting one.
    coroutine.yield()
    local r_ok, r_err = coroutine.resume(waiting)
    local c_ok = pcall(coroutine.close, waiting)
    seen:send({ coroutine.status(waiting), r_ok, tostring(r_err), c_ok })
    gate:send("open")
  end)
  local w_ok, w_value = coroutine.resume(waiting)
  if not w_ok or w_value ~= "open" then
    return false, "the waiting coroutine got " .. tostring(w_ok) .. " " .. tostring(w_value)
  end
  local s = seen:receive()
  if s[1] ~= "normal" or s[2] ~= false or s[4] ~= false then
    return false, "while waiting: status " .. tostring(s[1]) .. ", resume " .. tostring(s[2])
      .. " (" .. s[3] .. "), close " .. tostring(s[4])
  end

  -- An error after the wait is the coroutine's, as resume reports it.
  local failing = coroutine.create(function()
    time.sleep("1ms")
    error("after the wait")
  end)
  local f_ok, f_err = coroutine.resume(failing)
  if f_ok or not tostring(f_err):find("after the wait", 1, true) then
    return false, "error after a wait: " .. tostring(f_ok) .. " " .. tostring(f_err)
  end

  -- A __close run by coroutine.close cannot pass a yield: blocking there is an error.
  local closing = coroutine.create(function()
    local guard <close> = setmetatable({}, { __close = function()
      time.sleep("1ms")
    end })
    coroutine.yield()
  end)
  coroutine.resume(closing)
  local c_ok, c_err = coroutine.close(closing)
  if c_ok or not tostring(c_err):find("cannot block here", 1, true) then
    return false, "blocking in __close: " .. tostring(c_ok) .. " " .. tostring(c_err)
  end
  return true
end

return { main = main }
