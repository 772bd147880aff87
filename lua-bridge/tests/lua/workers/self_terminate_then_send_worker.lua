-- Tells its parent "before", terminates itself in the way `how` names, then would tell
-- it "after" (and a coroutine it made ready just before would too).
local function main(parent, how)
  process.send(parent, "before", how)
  if how == "plain" then
    process.terminate(process.pid())
  elseif how == "pcall" then
    pcall(process.terminate, process.pid())
  elseif how == "name" then
    process.registry.register("self_terminator")
    process.terminate("self_terminator")
  elseif how == "sibling" then
    -- The coroutine runs up to its receive at the spawn; the send makes it ready again,
    -- but it has not run when the terminate comes.
    local ch = channel.new(1)
    coroutine.spawn(function()
      ch:receive()
      process.send(parent, "after", "spawned coroutine")
    end)
    ch:send(true)
    process.terminate(process.pid())
  end
  process.send(parent, "after", how)
  return "survived"
end

return { main = main }
