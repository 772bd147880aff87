-- process.event.* are the topology kind strings and process.registry.* the scope
-- numbers (R api/topology/topology.go: LOCAL=0, EVENTUAL=1, CONSISTENT=2, STRONG=3).
local function main()
  local ev = process.event
  if ev.CANCEL ~= "pid.cancel" or ev.EXIT ~= "pid.exit" or ev.LINK_DOWN ~= "pid.link.down" then
    return false, "event constants " .. tostring(ev.CANCEL) .. " " .. tostring(ev.EXIT) .. " " .. tostring(ev.LINK_DOWN)
  end
  local reg = process.registry
  if reg.LOCAL ~= 0 or reg.EVENTUAL ~= 1 or reg.CONSISTENT ~= 2 or reg.STRONG ~= 3 then
    return false, "scope constants"
  end
  return true
end

return { main = main }
