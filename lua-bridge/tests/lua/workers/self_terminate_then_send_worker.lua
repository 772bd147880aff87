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
    -- but it has not run when the terminate comes (the send is made where the caller
    -- cannot yield, so it does not give the woken coroutine its turn first).
    local ch = channel.new(1)
    coroutine.spawn(function()
      ch:receive()
      process.send(parent, "after", "spawned coroutine")
    end)
    coroutine.wrap(function() ch:send(true) end)()
    process.terminate(process.pid())
  elseif how == "wrap" then
    -- Where the call cannot yield, it returns; the process still ends terminated
    -- (here at the end of main) and does not exit normally.
    coroutine.wrap(function() process.terminate(process.pid()) end)()
    return "survived"
  elseif how == "tostring" then
    tostring(setmetatable({}, { __tostring = function()
      process.terminate(process.pid())
      return "x"
    end }))
    return "survived"
  end
  process.send(parent, "after", how)
  return "survived"
end

return { main = main }
