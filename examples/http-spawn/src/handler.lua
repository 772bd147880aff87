-- Reconstructed from the step-by-step description in wippy-reference.md §5 (see README.md).
local http = require("http")
local json = require("json")
local logger = require("logger")

local function handler()
    local req = http.request()
    local res = http.response()

    local body, err = req:body_json()
    if err then
        res:set_status(400)
        return res:write_json({error = "Invalid JSON"})
    end

    if type(body) ~= "table" or type(body.name) ~= "string" or body.name == "" then
        res:set_status(400)
        return res:write_json({error = "Field 'name' is required"})
    end

    local task = {
        name = body.name,
        duration = body.duration or 3
    }

    local pid = process.spawn("app:task_worker", "app:processes", task)

    logger:info("Task process spawned", {pid = pid, name = task.name})

    res:set_status(202)
    res:write_json({
        pid = pid,
        name = task.name,
        status = "spawned",
        message = string.format("Process %s will run for %d seconds", pid, task.duration)
    })
end

return { handler = handler }
