-- Messages from one sender arrive in the order sent (to self, and through a worker).

local receive = require("wait").receive

local function main()
  local inbox = process.inbox()
  for i = 1, 5 do
    process.send(process.pid(), "n", i)
  end
  for i = 1, 5 do
    local got = receive(inbox):payload():data()
    if got ~= i then
      return false, "to self: got " .. tostring(got) .. " at position " .. i
    end
  end
  local echo = process.spawn("test:echo_worker", "test:processes")
  for i = 1, 50 do
    process.send(echo, "n", i)
  end
  for i = 1, 50 do
    local got = receive(inbox):payload():data()
    if got ~= i then
      return false, "through echo: got " .. tostring(got) .. " at position " .. i
    end
  end
  process.send(echo, "stop")
  return true
end

return { main = main }
