-- set_options applies a valid trap_links even when the table also holds an unsupported
-- option, and then returns false, err (INVALID) naming that option; keys that are not
-- strings are skipped (R module.go `setOptions`).
local function main()
  local ok, err = process.set_options({ trap_links = true, bogus = 1 })
  if ok ~= false or err == nil or err:kind() ~= errors.INVALID
      or not tostring(err):find("option bogus is not supported", 1, true) then
    return false, "with an unsupported option: " .. tostring(ok) .. ", " .. tostring(err)
  end
  if process.get_options().trap_links ~= true then
    return false, "trap_links was not applied"
  end
  ok, err = process.set_options({ 1, 2, 3 })
  if ok ~= true or err ~= nil then
    return false, "a list of numbers: " .. tostring(ok) .. ", " .. tostring(err)
  end
  return true
end

return { main = main }
