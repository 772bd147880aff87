-- Asking listen(topic, {message = true}) for a topic already listened to raw returns the
-- same channel and switches it to Message objects; a later plain listen(topic) leaves it
-- so; unlisten forgets the mode (as the original's topic handlers).
local time = require("time")

local function next_on(ch)
  local timeout = time.after("2s")
  local r = channel.select { ch:case_receive(), timeout:case_receive() }
  if r.channel == timeout then
    error("nothing on the listen channel")
  end
  return r.value
end

local function main()
  local raw = process.listen("m")
  process.send(process.pid(), "m", 1)
  if next_on(raw) ~= 1 then
    return false, "raw listen did not give the raw value"
  end

  local msgs = process.listen("m", { message = true })
  if msgs ~= raw then
    return false, "a second listen gave another channel"
  end
  process.send(process.pid(), "m", 2)
  local m = next_on(msgs)
  if type(m) ~= "userdata" or m:payload():data() ~= 2 then
    return false, "after listen{message = true}: got a " .. type(m)
  end

  if process.listen("m") ~= raw then
    return false, "a third listen gave another channel"
  end
  process.send(process.pid(), "m", 3)
  m = next_on(raw)
  if type(m) ~= "userdata" or m:topic() ~= "m" then
    return false, "a plain listen switched the channel back to raw values"
  end

  process.unlisten(raw)
  local fresh = process.listen("m")
  process.send(process.pid(), "m", 4)
  if next_on(fresh) ~= 4 then
    return false, "after unlisten, a plain listen still gave Message objects"
  end
  return true
end

return { main = main }
