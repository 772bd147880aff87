-- send on a closed channel raises "send on closed channel"; a double close is ignored.
local function main()
  local ch = channel.new(1)
  ch:close()
  local ok, err = pcall(ch.send, ch, 1)
  if ok then
    return false, "send on a closed channel did not raise"
  end
  if not tostring(err):find("send on closed channel", 1, true) then
    return false, "error: " .. tostring(err)
  end
  local ok2, err2 = pcall(ch.close, ch)
  if not ok2 then
    return false, "second close raised: " .. tostring(err2)
  end
  local v, rok = ch:receive()
  if v ~= nil or rok ~= false then
    return false, "receive after double close"
  end
  return true
end

return { main = main }
