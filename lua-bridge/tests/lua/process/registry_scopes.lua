-- process.registry takes its scope as the original does on a single node: LOCAL (the
-- default, or a number naming no other scope) registers here; EVENTUAL and the global
-- scopes (CONSISTENT, STRONG) fail with INTERNAL "... registry not available", as the
-- original without a cluster; a scope that is not a number is INVALID for register. The
-- name goes through CheckString: a number is its text, anything else raises.
local function main()
  local r = process.registry
  assert(r.LOCAL == 0 and r.EVENTUAL == 1 and r.CONSISTENT == 2 and r.STRONG == 3)
  assert(r.register("scoped_local", nil, r.LOCAL) == true)
  assert(r.lookup("scoped_local") == process.pid())
  local ok, err = r.register("scoped_eventual", nil, r.EVENTUAL)
  assert(ok == nil and err:kind() == errors.INTERNAL, tostring(err))
  assert(tostring(err) == "eventual registry not available", tostring(err))
  for _, scope in ipairs({ r.CONSISTENT, r.STRONG }) do
    ok, err = r.register("scoped_global", nil, scope)
    assert(ok == nil and tostring(err) == "global registry not available", tostring(err))
  end
  assert(r.lookup("scoped_eventual") == nil and r.lookup("scoped_global") == nil)
  ok, err = r.register("scoped_bad", nil, "x")
  assert(ok == nil and err:kind() == errors.INVALID, tostring(err))
  assert(tostring(err):find("scope must be a number", 1, true), tostring(err))
  ok, err = r.unregister("scoped_local", r.EVENTUAL)
  assert(ok == nil and tostring(err) == "eventual registry not available", tostring(err))
  assert(r.unregister("scoped_local", r.LOCAL) == true)

  assert(r.register(12) == true)
  assert(r.lookup("12") == process.pid())
  assert(r.lookup(12) == process.pid())
  for _, call in ipairs({ "register", "lookup", "unregister" }) do
    local raised, msg = pcall(r[call], nil)
    assert(not raised and tostring(msg):find("bad argument #1 to '" .. call .. "' (string expected, got nil)", 1, true),
      call .. ": " .. tostring(msg))
  end
  return true
end

return { main = main }
