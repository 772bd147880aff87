-- Publishes one event on the bus (its arguments: system, kind, path, data) and exits.
local function main(system, kind, path, data)
  local ok, err = events.send(system, kind, path, data)
  if not ok then
    error("events.send failed: " .. tostring(err))
  end
  return true
end

return { main = main }
