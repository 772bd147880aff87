-- process.set_options with something other than a table returns false, err (INVALID)
-- instead of raising (R module.go `setOptions`: "options parameter must be a table";
-- §1.1: "set_options returns false, err").
local function main()
  for _, bad in ipairs({ "trap_links", 1, true }) do
    local ok, r, err = pcall(process.set_options, bad)
    if not ok then
      return false, "set_options(" .. type(bad) .. ") raised: " .. tostring(r)
    end
    if r ~= false or err == nil then
      return false, "set_options(" .. type(bad) .. ") returned " .. tostring(r) .. ", " .. tostring(err)
    end
    if err:kind() ~= errors.INVALID then
      return false, "kind " .. tostring(err:kind())
    end
  end
  local ok, r, err = pcall(process.set_options)
  if not ok or r ~= false or err == nil then
    return false, "set_options() gave " .. tostring(ok) .. ", " .. tostring(r) .. ", " .. tostring(err)
  end
  if process.get_options().trap_links ~= false then
    return false, "trap_links changed"
  end
  return true
end

return { main = main }
