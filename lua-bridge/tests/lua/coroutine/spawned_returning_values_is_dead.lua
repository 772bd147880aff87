-- A coroutine.spawn coroutine that returned values is dead, like one that returned
-- nothing: its values are dropped, and resuming it fails instead of calling them.
local function main()
  local ran_again = false
  local returns_fn = coroutine.spawn(function()
    return function() ran_again = true end
  end)
  local returns_many = coroutine.spawn(function() return 1, 2, 3 end)
  local returns_none = coroutine.spawn(function() end)
  for name, co in pairs({ fn = returns_fn, many = returns_many, none = returns_none }) do
    if coroutine.status(co) ~= "dead" then
      return false, name .. ": status " .. coroutine.status(co)
    end
    local ok, err = coroutine.resume(co)
    if ok or not tostring(err):find("dead coroutine", 1, true) then
      return false, name .. ": resume gave " .. tostring(ok) .. ", " .. tostring(err)
    end
  end
  if ran_again then
    return false, "a returned function was called by resume"
  end
  return true
end

return { main = main }
