-- Message payloads are deep copies: changing a table after sending it does not
-- change what arrives (metatables are not copied: `value.rs`).
local time = require("time")

local function main()
  local inbox = process.inbox()
  local t = { n = 1, inner = { v = "a" } }
  process.send(process.pid(), "copy", t)
  t.n = 2
  t.inner.v = "b"
  local timeout = time.after("2s")
  local r = channel.select { inbox:case_receive(), timeout:case_receive() }
  if r.channel == timeout then
    return false, "nothing arrived"
  end
  local got = r.value:payload():data()
  if got == t then
    return false, "the table itself arrived"
  end
  if got.n ~= 1 or got.inner.v ~= "a" then
    return false, "mutation after send is visible"
  end
  -- Reading twice gives equal data.
  local again = r.value:payload():data()
  if again.n ~= 1 then
    return false, "second data() differs"
  end
  return true
end

return { main = main }
