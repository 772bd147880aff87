-- process.send with a destination or topic that is not a string returns nil, err
-- (it does not raise).
local function main()
  local ok, err = process.send(12345, "t", 1)
  if ok ~= nil or err == nil then
    return false, "numeric destination accepted"
  end
  ok, err = process.send(nil, "t", 1)
  if ok ~= nil or err == nil then
    return false, "nil destination accepted"
  end
  ok, err = process.send(process.pid(), nil, 1)
  if ok ~= nil or err == nil then
    return false, "nil topic accepted"
  end
  ok, err = process.send("not a {pid", "t", 1)
  if ok ~= nil or err == nil then
    return false, "garbage destination accepted"
  end
  return true
end

return { main = main }
