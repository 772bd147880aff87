-- First run: traps links, reports its options, then upgrades itself with
-- (parent, "second"); the second run reports its options, links to a failing worker and
-- waits: with trap_links off again it dies of the LINK_DOWN.
local function main(parent, stage)
  if stage == "second" then
    process.send(parent, "options", process.get_options().trap_links)
    process.spawn_linked("test:error_worker", "test:processes", "20ms")
    process.inbox():receive()
    return "survived"
  end
  process.set_options({ trap_links = true })
  process.send(parent, "options", process.get_options().trap_links)
  -- A number is no entry id: the running entry, as the original reads only strings.
  process.upgrade(5, parent, "second")
  return "upgrade returned"
end

return { main = main }
