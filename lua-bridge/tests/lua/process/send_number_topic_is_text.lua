-- A number given as topic is taken as its text (as Lua's string functions take one, and
-- as the original's CheckString does); listen takes one the same way. A topic of any
-- other type raises, as CheckString does.
local function main()
  local inbox = process.inbox()
  local ok, err = process.send(process.pid(), 42, "int")
  if not ok then return false, "integer topic refused: " .. tostring(err) end
  local m = inbox:receive()
  if m:topic() ~= "42" or m:payload():data() ~= "int" then
    return false, "got topic " .. tostring(m:topic())
  end
  local seven = process.listen(7)
  ok, err = process.send(process.pid(), 7, "listened")
  if not ok then return false, "send to listened number: " .. tostring(err) end
  local v = seven:receive()
  if v ~= "listened" then return false, "listen(7) got " .. tostring(v) end
  ok, err = process.send(process.pid(), 1.5, "float")
  if not ok then return false, "float topic refused: " .. tostring(err) end
  m = inbox:receive()
  if m:topic() ~= "1.5" then return false, "float topic became " .. tostring(m:topic()) end
  local sent, msg = pcall(process.send, process.pid(), {}, 1)
  if sent or not tostring(msg):find("string expected, got table", 1, true) then
    return false, "table topic: " .. tostring(msg)
  end
  sent, msg = pcall(process.send, process.pid(), true, 1)
  if sent or not tostring(msg):find("string expected, got boolean", 1, true) then
    return false, "boolean topic: " .. tostring(msg)
  end
  return true
end

return { main = main }
