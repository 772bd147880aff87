-- After close, buffered values stay readable; then receive gives nil, false (again
-- and again).
local function main()
  local ch = channel.new(2)
  ch:send("a")
  ch:send("b")
  ch:close()
  local v, ok = ch:receive()
  if v ~= "a" or ok ~= true then
    return false, "1st: " .. tostring(v) .. ", " .. tostring(ok)
  end
  v, ok = ch:receive()
  if v ~= "b" or ok ~= true then
    return false, "2nd: " .. tostring(v) .. ", " .. tostring(ok)
  end
  for i = 1, 2 do
    v, ok = ch:receive()
    if v ~= nil or ok ~= false then
      return false, "drained receive " .. i .. ": " .. tostring(v) .. ", " .. tostring(ok)
    end
  end
  return true
end

return { main = main }
