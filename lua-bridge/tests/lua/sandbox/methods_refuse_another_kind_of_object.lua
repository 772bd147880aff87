-- A method called on another kind of object (`ch.receive(msg)`, `msg.topic(ch)`, ...)
-- raises, saying what it expected, instead of reading the object as its own kind.
-- Userdata are told apart by a tag in their first word (vm/lua.rs `userdata`), so this
-- checks each pairing of the kinds a script can hold: channel, message, payload, and a
-- timer's channel, plus values that are no userdata at all.
local time = require("time")

local function raises(what, f, arg, expected)
  local ok, err = pcall(f, arg)
  if ok then
    error(what .. " did not raise", 0)
  end
  if not tostring(err):find(expected, 1, true) then
    error(what .. ": " .. tostring(err), 0)
  end
end

local function main()
  local ch = channel.new(1)
  process.send(process.pid(), "t", { a = 1 })
  local msg = process.inbox():receive()
  local p = msg:payload()
  local timer = time.after("1h")

  raises("ch.receive(msg)", ch.receive, msg, "expected a channel")
  raises("ch.send(p)", ch.send, p, "expected a channel")
  raises("ch.close(42)", ch.close, 42, "expected a channel")
  raises("ch.receive({})", ch.receive, {}, "expected a channel")
  raises("msg.topic(ch)", msg.topic, ch, "expected a message")
  raises("msg.from(p)", msg.from, p, "expected a message")
  raises("msg.payload(timer)", msg.payload, timer, "expected a message")
  raises("msg.topic('t')", msg.topic, "t", "expected a message")
  local ok = pcall(p.data, msg)
  if ok then
    return false, "p.data(msg) did not raise"
  end
  ok = pcall(p.data, ch)
  if ok then
    return false, "p.data(ch) did not raise"
  end

  -- The objects still work as their own kind afterwards.
  if msg:topic() ~= "t" or p:data().a ~= 1 then
    return false, "the message or payload changed"
  end
  ch:send("x")
  if ch:receive() ~= "x" then
    return false, "the channel changed"
  end
  return true
end

return { main = main }
