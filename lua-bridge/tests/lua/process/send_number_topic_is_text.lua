-- A number given as topic is taken as its text (as Lua's string functions take one, and
-- as the original's CheckString does); listen takes one the same way. A topic of any
-- other type is still nil, err.
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
  ok, err = process.send(process.pid(), {}, 1)
  if ok ~= nil or err == nil then return false, "table topic accepted" end
  ok, err = process.send(process.pid(), true, 1)
  if ok ~= nil or err == nil then return false, "boolean topic accepted" end
  return true
end

return { main = main }
