-- process.pid(): "{test:processes|0x.....}" (a string, at least 5 hex digits), the same
-- on every call; a spawned process gets a different pid of the same form.
local function main()
  local pid = process.pid()
  if type(pid) ~= "string" then
    return false, "pid is a " .. type(pid)
  end
  if not pid:match("^{test:processes|0x%x%x%x%x%x+}$") then
    return false, "bad pid format: " .. pid
  end
  if process.pid() ~= pid then
    return false, "pid changed between calls"
  end
  local child, err = process.spawn("test:long_worker", "test:processes")
  if not child then
    return false, "spawn failed: " .. tostring(err)
  end
  if not child:match("^{test:processes|0x%x%x%x%x%x+}$") then
    return false, "bad child pid format: " .. child
  end
  if child == pid then
    return false, "child has the parent's pid"
  end
  process.send(child, "stop")
  return true
end

return { main = main }
