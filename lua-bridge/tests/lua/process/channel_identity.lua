-- inbox(), events() and listen(topic) return the same channel on every call.
local function main()
  if process.inbox() ~= process.inbox() then
    return false, "inbox() differs between calls"
  end
  if process.events() ~= process.events() then
    return false, "events() differs between calls"
  end
  local a = process.listen("a")
  if process.listen("a") ~= a then
    return false, "listen('a') differs between calls"
  end
  if process.listen("b") == a then
    return false, "listen('b') is listen('a')"
  end
  if a == process.inbox() or a == process.events() or process.inbox() == process.events() then
    return false, "distinct feeds share a channel"
  end
  -- The same channel also identifies select results.
  process.send(process.pid(), "a", 1)
  local r = channel.select { process.inbox():case_receive(), process.listen("a"):case_receive() }
  if r.channel ~= a or r.value ~= 1 then
    return false, "select result does not name listen('a')"
  end
  return true
end

return { main = main }
