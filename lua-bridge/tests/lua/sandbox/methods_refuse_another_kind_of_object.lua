-- A method called on another kind of object (`ch.receive(msg)`, `msg.topic(ch)`, ...)
-- raises, saying what it expected, instead of reading the object as its own kind.
-- Userdata are told apart by a tag in their first word (vm/lua.rs `userdata`), so this
-- checks each pairing of the kinds a script can hold: channel, message, payload, and a
-- timer's channel, plus values that are no userdata at all.
local time = require("time")
local logger = require("logger")

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

  raises("ch.receive(msg)", ch.receive, msg, "channel expected")
  raises("ch.send(p)", ch.send, p, "channel expected")
  raises("ch.close(42)", ch.close, 42, "channel expected")
  raises("ch.receive({})", ch.receive, {}, "channel expected")
  raises("msg.topic(ch)", msg.topic, ch, "message expected")
  raises("msg.from(p)", msg.from, p, "message expected")
  raises("msg.payload(timer)", msg.payload, timer, "message expected")
  raises("msg.topic('t')", msg.topic, "t", "message expected")

  -- Called at a call site, the error names the method as the call named it.
  local function says(f, expected)
    local ok, err = pcall(f)
    if ok or not tostring(err):find(expected, 1, true) then
      error("expected " .. expected .. ", got " .. tostring(err), 0)
    end
  end
  says(function() return ch.receive(msg) end,
    "bad argument #1 to 'receive' (channel expected, got userdata; call it as ch:receive(...))")
  says(function() return ch.close(42) end, "bad argument #1 to 'close' (channel expected, got number")
  says(function() return msg.topic("t") end, "bad argument #1 to 'topic' (message expected, got string")
  local tm = time.timer("1h")
  says(function() return tm.stop({}) end, "bad argument #1 to 'stop' (timer expected, got table")
  says(function() return tm.channel() end, "bad argument #1 to 'channel' (timer expected, got no value")
  says(function() return tm.response() end, "bad argument #1 to 'response' (timer expected")
  says(function() return logger.info("x") end, "bad argument #1 to 'info' (logger expected, got string")
  says(function() return process.with_context({}).spawn("a", "b") end,
    "bad argument #1 to 'spawn' (process.Spawner expected, got string")

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
  tm:stop()
  return true
end

return { main = main }
