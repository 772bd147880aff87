-- First run: upgrades itself with (parent, "second"); second run reports
-- {pid, stage} to `parent` (topic "upgraded").
local function main(parent, stage)
  if stage == "second" then
    process.send(parent, "upgraded", { pid = process.pid(), stage = stage })
    return true
  end
  process.upgrade(nil, parent, "second")
  return "upgrade returned"
end

return { main = main }
