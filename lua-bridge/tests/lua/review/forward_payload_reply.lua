-- The spec's "Message Mode for Sender Info" echo worker: it reads a message with
-- listen("echo", {message = true}) and sends msg:payload() (a Payload object) straight
-- back with process.send(sender, "reply", payload); the parent's listen("reply") gets
-- the original value (processes-and-messaging.txt, "Message Mode for Sender Info").
local receive = require("wait").receive

local function main(role)
  if role == "echo" then
    local ch = process.listen("echo", { message = true })
    local msg = ch:receive()
    if msg then
      local sender = msg:from()
      local payload = msg:payload()
      if sender then
        process.send(sender, "reply", payload)
      end
      return true
    end
    return false
  end
  local reply = process.listen("reply")
  local pid = assert(process.spawn(process.id(), "test:processes", "echo"))
  local ok, err = process.send(pid, "echo", "hello from parent")
  if ok ~= true then
    return false, "send: " .. tostring(err)
  end
  local v = receive(reply)
  if v ~= "hello from parent" then
    return false, "reply was " .. type(v) .. " " .. tostring(v)
  end
  -- A table payload forwarded the same way comes back as a table.
  pid = assert(process.spawn(process.id(), "test:processes", "echo"))
  process.send(pid, "echo", { a = 1, list = { "x", "y" } })
  v = receive(reply)
  if type(v) ~= "table" or v.a ~= 1 or v.list[2] ~= "y" then
    return false, "table reply was " .. type(v)
  end
  return true
end

return { main = main }
