-- Channels pass any Lua value as is (same process: no copy): tables by reference,
-- functions, nil (with ok = true).
local function main()
  local ch = channel.new(4)
  local t = { 1 }
  local f = function() return "f" end
  ch:send(t)
  ch:send(f)
  ch:send(nil)
  ch:send(false)
  local got = ch:receive()
  if got ~= t then
    return false, "table was copied"
  end
  if ch:receive() ~= f then
    return false, "function not passed"
  end
  local v, ok = ch:receive()
  if v ~= nil or ok ~= true then
    return false, "nil value: ok=" .. tostring(ok)
  end
  v, ok = ch:receive()
  if v ~= false or ok ~= true then
    return false, "false value"
  end
  return true
end

return { main = main }
