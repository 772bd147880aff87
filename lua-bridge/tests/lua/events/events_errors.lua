-- events.send and events.subscribe refuse empty names with nil and an INVALID error,
-- take numbers as their text, and raise for other arguments that are not strings.
local function main()
  local sub, err = events.subscribe("")
  if sub ~= nil or err == nil or err:kind() ~= errors.INVALID then
    return false, "subscribe(''): " .. tostring(sub) .. ", " .. tostring(err)
  end
  for _, args in ipairs({ { "", "kind", "/p" }, { "system", "", "/p" }, { "system", "kind", "" } }) do
    local ok, serr = events.send(args[1], args[2], args[3])
    if ok ~= nil or serr == nil or serr:kind() ~= errors.INVALID then
      return false, "send with an empty part: " .. tostring(ok) .. ", " .. tostring(serr)
    end
  end
  -- A number is taken as its text, as Lua's string checks take one.
  local sent, nerr = events.send(1, "kind", "/p")
  if sent ~= true or nerr ~= nil then
    return false, "send with a number for system: " .. tostring(nerr)
  end
  local ok = pcall(events.send, {}, "kind", "/p")
  if ok then
    return false, "send with a table for system did not raise"
  end
  ok = pcall(events.subscribe, {})
  if ok then
    return false, "subscribe with a table did not raise"
  end
  local bad, derr = events.send("s", "k", "/p", { f = function() end, t = coroutine.create(print) })
  if bad ~= true or derr ~= nil then
    return false, "data with a function (sent as nil fields): " .. tostring(derr)
  end
  return true
end

return { main = main }
