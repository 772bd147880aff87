-- An error with a large message, sent inside a table and decoded by the receiver: the
-- error object the decoding makes is charged to the receiver's memory limit, which the
-- decoding's bound allows for, and the error arrives whole.
local function main()
  local text = string.rep("x", 100000)
  process.send(process.pid(), "err", { e = errors.new(text) })
  local m = process.inbox():receive()
  local data = m:payload():data()
  local e = data.e
  assert(e:message() == text, "message of length " .. #e:message())
  return true
end

return { main = main }
