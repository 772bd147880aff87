-- Channels nothing reaches any more are freed while the process runs (a sweep every
-- few hundred new channels): a loop that makes a time.after timeout per turn keeps
-- working, and every channel that can still be used survives the sweeps: one held in a
-- local, one held only by a select case, one held only as a value queued in another
-- channel, a timer handle's channel, a pending time.after, the inbox, a listen
-- channel, and one that was unlistened (closed, still held). (tests/channel_sweep.rs runs this program and checks that channels were in
-- fact freed.)
local time = require("time")

local function main()
  local inbox = process.inbox()
  local news = process.listen("news")
  local old = process.listen("old")
  process.unlisten(old)
  local kept = channel.new(1)
  kept:send("kept")
  local case_only = channel.new(1)
  case_only:send("case")
  local case = case_only:case_receive()
  case_only = nil
  local outer = channel.new(1)
  do
    local inner = channel.new(1)
    inner:send("inner")
    outer:send(inner)
  end
  local handle = time.timer("30ms")
  local pending = time.after("60ms")

  -- 5000 turns of the usual receive-with-timeout, plus a plain channel per turn, and
  -- now and then a ticker dropped while it ticks.
  for i = 1, 5000 do
    if i % 50 == 0 then
      time.ticker("1ms")
    end
    local scratch = channel.new(1)
    scratch:send(i)
    local r = channel.select { scratch:case_receive(), time.after("1h"):case_receive() }
    if r.value ~= i then
      return false, "turn " .. i .. " received " .. tostring(r.value)
    end
  end

  if kept:receive() ~= "kept" then
    return false, "the channel held in a local lost its value"
  end
  local r = channel.select { case }
  if r.value ~= "case" then
    return false, "the channel held by a case lost its value"
  end
  local inner = outer:receive()
  if inner:receive() ~= "inner" then
    return false, "the channel queued in another lost its value"
  end
  local _, ok = handle:channel():receive()
  if not ok then
    return false, "the timer handle's channel was closed"
  end
  _, ok = pending:receive()
  if not ok then
    return false, "the pending time.after channel was closed"
  end
  -- Fill every freed slot of the channel table: a channel wrongly freed is now
  -- another one, holding a value.
  local held = {}
  for i = 1, 300 do
    held[i] = channel.new(1)
    held[i]:send(i)
  end
  local _, open = old:receive()
  if open then
    return false, "the unlistened channel is open again"
  end
  process.send(process.pid(), "news", "n")
  process.send(process.pid(), "direct", "d")
  if news:receive() ~= "n" then
    return false, "the listen channel lost its message"
  end
  local m = inbox:receive()
  if m:topic() ~= "direct" then
    return false, "the inbox lost its message"
  end
  return true
end

return { main = main }
