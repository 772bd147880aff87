-- set_options{trap_links = <not a boolean>} returns false, err (INVALID) naming
-- trap_links, and leaves the option as it was (R module.go `setOptions`).
local function main()
  local ok, err = process.set_options({ trap_links = "yes" })
  if ok ~= false or err == nil then
    return false, "returned " .. tostring(ok) .. ", " .. tostring(err)
  end
  if err:kind() ~= errors.INVALID then
    return false, "kind " .. tostring(err:kind())
  end
  if not tostring(err):find("trap_links", 1, true) or not tostring(err):find("boolean", 1, true) then
    return false, "message " .. tostring(err)
  end
  if process.get_options().trap_links ~= false then
    return false, "trap_links changed"
  end
  return true
end

return { main = main }
