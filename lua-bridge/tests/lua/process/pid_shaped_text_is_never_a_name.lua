-- A destination shaped as a PID (`{host|id}`, as the original's ParsePID takes one) is
-- a PID, never a name: one this runtime does not make (`0xffff`, upper-case digits,
-- leading zeros) names no process, so `send` gives "process not found" (NOT_FOUND)
-- rather than "could not resolve", and a name spelled like a PID is not reached
-- through `send` (as in the original, which tries the PID first).

local function main()
  for _, text in ipairs({
    "{test:processes|0xffff}",
    "{test:processes|0xFFFFF}",
    "{test:processes|0x000001}",
    "{nowhere|whatever}",
  }) do
    local ok, err = process.send(text, "t", 1)
    if ok ~= nil or err == nil or err:kind() ~= errors.NOT_FOUND
        or not tostring(err):find("process not found", 1, true) then
      return false, text .. ": send gave " .. tostring(ok) .. ", " .. tostring(err)
    end
    ok, err = process.monitor(text)
    if ok ~= nil or err == nil then
      return false, text .. ": monitor gave " .. tostring(ok)
    end
  end
  local ok, err = process.registry.register("{looks|like_a_pid}")
  if ok ~= true then
    return false, "register: " .. tostring(err)
  end
  if process.registry.lookup("{looks|like_a_pid}") ~= process.pid() then
    return false, "lookup of the registered name failed"
  end
  ok, err = process.send("{looks|like_a_pid}", "t", 1)
  if ok ~= nil or not tostring(err):find("process not found", 1, true) then
    return false, "send to a name spelled like a PID gave " .. tostring(ok) .. ", " .. tostring(err)
  end
  -- A name with braces but no pipe is still a name.
  assert(process.registry.register("{plain}"))
  ok, err = process.send("{plain}", "t", 1)
  if ok ~= true then
    return false, "send to {plain}: " .. tostring(err)
  end
  return true
end

return { main = main }
