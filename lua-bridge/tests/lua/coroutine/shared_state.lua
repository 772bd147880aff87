-- Spawned coroutines share the process's Lua state: upvalues and globals.
local function main()
  local counter = 0
  local done = channel.new()
  for _ = 1, 10 do
    coroutine.spawn(function()
      counter = counter + 1
      shared_global = (shared_global or 0) + 1
      done:send(true)
    end)
  end
  for _ = 1, 10 do
    done:receive()
  end
  if counter ~= 10 or shared_global ~= 10 then
    return false, "counter " .. counter .. ", global " .. tostring(shared_global)
  end
  return true
end

return { main = main }
