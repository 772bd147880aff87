-- The coroutine functions the runtime replaces raise Lua 5.4's own errors: argument
-- errors name the function as it was called and the value by its __name, and
-- "cannot close a running/normal coroutine" carries the caller's position.
local function message(f, ...)
  local ok, err = pcall(f, ...)
  if ok then
    return "no error"
  end
  return tostring(err)
end

local function main()
  local checks = {
    { message(function() return coroutine.resume(nil) end), "bad argument #1 to 'resume' (thread expected, got nil)" },
    { message(function() return coroutine.status(1) end), "bad argument #1 to 'status' (thread expected, got number)" },
    { message(function() return coroutine.close({}) end), "bad argument #1 to 'close' (thread expected, got table)" },
    { message(function() local w = coroutine.wrap; return w(1) end), "bad argument #1 to 'w' (function expected, got number)" },
    { message(function() return coroutine.create(setmetatable({}, { __name = "Foo" })) end), "bad argument #1 to 'create' (function expected, got Foo)" },
    { message(function() local t = { f = coroutine.resume }; return t:f() end), "calling 'f' on bad self (thread expected, got table)" },
  }
  for _, c in ipairs(checks) do
    if not c[1]:find(c[2], 1, true) then
      return false, "got '" .. c[1] .. "', expected '" .. c[2] .. "'"
    end
  end
  local running = message(coroutine.wrap(function()
    coroutine.close((coroutine.running()))
  end))
  if not running:find("^.-:%d+: cannot close a running coroutine$") then
    return false, "close of the running coroutine: " .. running
  end
  local co
  co = coroutine.create(function()
    local inner = coroutine.create(function() coroutine.close(co) end)
    return coroutine.resume(inner)
  end)
  local _, ok, err = coroutine.resume(co)
  if ok ~= false or not tostring(err):find("^.-:%d+: cannot close a normal coroutine$") then
    return false, "close of a normal coroutine: " .. tostring(ok) .. ", " .. tostring(err)
  end
  local dead = coroutine.wrap(function() end)
  dead()
  local again = message(function() return dead() end)
  if not again:find("^.-:%d+: cannot resume dead coroutine$") then
    return false, "a dead wrap function: " .. again
  end
  return true
end

return { main = main }
