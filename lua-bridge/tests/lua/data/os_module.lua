-- os keeps only time, date, clock, difftime (and platform = "wippy").
local function main()
  if type(os.time()) ~= "number" then
    return false, "os.time"
  end
  if type(os.clock()) ~= "number" then
    return false, "os.clock"
  end
  if type(os.date("%Y")) ~= "string" then
    return false, "os.date"
  end
  if os.difftime(10, 4) ~= 6 then
    return false, "os.difftime"
  end
  if os.platform ~= "wippy" then
    return false, "os.platform = " .. tostring(os.platform)
  end
  for _, name in ipairs({ "execute", "exit", "getenv", "remove", "rename", "tmpname", "setlocale" }) do
    if os[name] ~= nil then
      return false, "os." .. name .. " is present"
    end
  end
  return true
end

return { main = main }
