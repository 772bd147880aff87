-- coroutine.spawn needs a function.
local function main()
  for _, bad in ipairs({ 1, "f", {}, true }) do
    if pcall(coroutine.spawn, bad) then
      return false, "coroutine.spawn accepted a " .. type(bad)
    end
  end
  if pcall(coroutine.spawn) then
    return false, "coroutine.spawn accepted nothing"
  end
  return true
end

return { main = main }
