-- process.set_options({}) succeeds with true, nil and changes nothing (reference §1.2:
-- set_options returns `true,nil` | `false,err`).
local function main()
  local ok, err = process.set_options({})
  if ok ~= true or err ~= nil then
    return false, "set_options{} returned " .. tostring(ok) .. ", " .. tostring(err)
  end
  if process.get_options().trap_links ~= false then
    return false, "trap_links changed"
  end
  return true
end

return { main = main }
