-- process.exec(id, host, ...) spawns the process and waits for its result:
-- value, nil on a normal exit; nil, err when it fails.
local function main()
  if type(process.exec) ~= "function" then
    return false, "process.exec is missing"
  end
  local v, err = process.exec("test:normal_worker", "test:processes", { n = 5 })
  if err ~= nil then
    return false, "exec failed: " .. tostring(err)
  end
  if type(v) ~= "table" or v.n ~= 5 then
    return false, "exec result " .. tostring(v)
  end
  v, err = process.exec("test:error_worker", "test:processes")
  if v ~= nil or err == nil then
    return false, "exec of a failing process returned " .. tostring(v)
  end
  if not tostring(err):find("worker failed on purpose", 1, true) then
    return false, "exec error: " .. tostring(err)
  end
  return true
end

return { main = main }
