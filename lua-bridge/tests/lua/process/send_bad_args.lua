-- process.send checks its arguments as the original does: with fewer than two arguments
-- it returns nil and an INVALID error; a destination or topic that is neither a string
-- nor a number raises (CheckString), nil included; a destination that names nothing is
-- nil, err.
local function main()
  local ok, err = process.send(process.pid())
  if ok ~= nil or err == nil or err:kind() ~= errors.INVALID then
    return false, "one argument: " .. tostring(ok) .. ", " .. tostring(err)
  end
  if not tostring(err):find("send requires at least destination and topic arguments", 1, true) then
    return false, "one argument: " .. tostring(err)
  end
  ok, err = process.send(12345, "t", 1)
  if ok ~= nil or err == nil then
    return false, "numeric destination accepted"
  end
  local raised, msg = pcall(process.send, nil, "t", 1)
  if raised or not tostring(msg):find("bad argument #1 to 'send' (string expected, got nil)", 1, true) then
    return false, "nil destination: " .. tostring(msg)
  end
  raised, msg = pcall(process.send, process.pid(), nil, 1)
  if raised or not tostring(msg):find("bad argument #2 to 'send' (string expected, got nil)", 1, true) then
    return false, "nil topic: " .. tostring(msg)
  end
  ok, err = process.send("not a {pid", "t", 1)
  if ok ~= nil or err == nil then
    return false, "garbage destination accepted"
  end
  return true
end

return { main = main }
