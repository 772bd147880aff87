-- monitor, unmonitor, link, unlink, cancel and terminate on a live process each
-- return exactly true (reference §1.2: "`true`|`nil,err`"; the spec's
-- `local ok, monitor_err = process.monitor(worker_pid)`).
local function main(role)
  if role == "idle" then
    process.inbox():receive()
    return "done"
  end
  assert(process.set_options({ trap_links = true }))
  local pid = assert(process.spawn(process.id(), "test:processes", "idle"))
  local checks = {
    { "monitor", function() return process.monitor(pid) end },
    { "unmonitor", function() return process.unmonitor(pid) end },
    { "link", function() return process.link(pid) end },
    { "unlink", function() return process.unlink(pid) end },
    { "cancel", function() return process.cancel(pid, "why") end },
    { "terminate", function() return process.terminate(pid) end },
  }
  for _, c in ipairs(checks) do
    local ok, err = c[2]()
    if ok ~= true or err ~= nil then
      return false, c[1] .. " returned " .. tostring(ok) .. ", " .. tostring(err)
    end
  end
  return true
end

return { main = main }
