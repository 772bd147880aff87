-- A send case on a full buffered channel is not ready: with a default, select takes the
-- default and the value is not sent (R tests/app/src/test/channel/errors.lua).
local function main()
  local ch = channel.new(1)
  ch:send("full")
  local r = channel.select { ch:case_send("blocked"), default = true }
  if r.default ~= true or r.ok ~= true then
    return false, "default not taken"
  end
  if r.channel ~= nil then
    return false, "default result names a channel"
  end
  local v = ch:receive()
  if v ~= "full" then
    return false, "first value " .. tostring(v)
  end
  local again = channel.select { ch:case_receive(), default = true }
  if again.default ~= true then
    return false, "the blocked value was sent: " .. tostring(again.value)
  end
  return true
end

return { main = main }
