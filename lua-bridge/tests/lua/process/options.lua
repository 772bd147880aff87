-- get_options() / set_options(): only trap_links; other options fail with false, err.
local function main()
  local opts = process.get_options()
  if type(opts) ~= "table" then
    return false, "get_options returned a " .. type(opts)
  end
  if opts.trap_links ~= false then
    return false, "trap_links default " .. tostring(opts.trap_links)
  end
  local ok, err = process.set_options({ trap_links = true })
  if ok ~= true or err ~= nil then
    return false, "set_options{trap_links=true}: " .. tostring(ok) .. ", " .. tostring(err)
  end
  if process.get_options().trap_links ~= true then
    return false, "trap_links not set"
  end
  ok, err = process.set_options({ upgradable = true })
  if ok ~= false then
    return false, "unsupported option returned " .. tostring(ok)
  end
  if err == nil or not tostring(err):find("not supported", 1, true) then
    return false, "unsupported option error: " .. tostring(err)
  end
  if not tostring(err):find("upgradable", 1, true) then
    return false, "error does not name the option: " .. tostring(err)
  end
  assert(process.set_options({ trap_links = false }))
  if process.get_options().trap_links ~= false then
    return false, "trap_links not cleared"
  end
  return true
end

return { main = main }
