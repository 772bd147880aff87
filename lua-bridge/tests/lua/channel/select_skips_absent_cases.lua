-- channel.select skips `nil` and `false` entries, as the original's loop skips what is
-- no case, so that a case can be optional: `{ want_b and b:case_receive(), ... }`. The
-- cases left keep their order, and a select left with no case and no default raises.
local function main()
  local a = channel.new(2)
  local b = channel.new(2)
  a:send("a1")
  b:send("b1")
  local want_b = false
  local maybe = nil
  local r = channel.select { want_b and b:case_receive(), a:case_receive() }
  if r.channel ~= a or r.value ~= "a1" then
    return false, "false entry: took " .. tostring(r.value)
  end
  a:send("a2")
  r = channel.select { maybe and maybe:case_receive(), b:case_receive(), a:case_receive() }
  if r.channel ~= b or r.value ~= "b1" then
    return false, "nil hole: took " .. tostring(r.value) .. ", wanted b1 (first in order)"
  end
  r = channel.select { a:case_receive(), false, b:case_send("b2") }
  if r.channel ~= a or r.value ~= "a2" then
    return false, "false in the middle: took " .. tostring(r.value)
  end
  r = channel.select { false, default = true }
  if not r.default then
    return false, "only false and a default: no default"
  end
  local ok, err = pcall(channel.select, { false, maybe })
  if ok or not tostring(err):find("no cases", 1, true) then
    return false, "only absent cases and no default: " .. tostring(err)
  end
  return true
end

return { main = main }
