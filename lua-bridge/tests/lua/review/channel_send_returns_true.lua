-- ch:send(v) returns true (reference §1.3: "ch:send(v) -> true"), on a buffered channel
-- and on an unbuffered one once a receiver takes the value.
local function main()
  local b = channel.new(1)
  local r = b:send(1)
  if r ~= true then
    return false, "buffered send returned " .. tostring(r)
  end
  local u = channel.new()
  local got
  coroutine.spawn(function()
    got = u:receive()
  end)
  r = u:send("x")
  if r ~= true then
    return false, "unbuffered send returned " .. tostring(r)
  end
  require("wait").yield_a_few()
  if got ~= "x" then
    return false, "receiver got " .. tostring(got)
  end
  return true
end

return { main = main }
