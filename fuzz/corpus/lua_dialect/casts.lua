-- Casts (`::`, `as`) and non-nil assertions (`!`), next to labels, gotos and method calls.
type Event = {kind: string, value: any}

local function to_number(input: any): number
    return tonumber(input :: string) :: number
end

local function kind_of(x: unknown): string
    local event = (x :: any) :: Event?
    if event == nil then
        return "none"
    end
    return event.kind :: string
end

local function sum_even(list: {number}): number
    local total = 0
    for _, v: number in ipairs(list) do
        if v % 2 ~= 0 then goto continue end
        total = total + v :: number
        ::continue::
    end
    return total
end

local Queue = {}
Queue.__index = Queue

function Queue.new(): typeof(Queue)
    return setmetatable({items = {} :: {any}}, Queue) :: any
end

function Queue:push(item: any)
    self.items[#self.items + 1] = item
    return self
end

local function checked(value: number?): number
    local sure = value! + 0
    return sure as number
end

local q = Queue.new():push(1):push("two")

return {
    number = to_number("41") + 1,
    kind = kind_of({kind = "exit", value = 0} :: Event),
    none = kind_of(nil),
    even = sum_even({1, 2, 3, 4, 5, 6}),
    queued = #q.items,
    checked = checked(5),
    sum_even = sum_even,
}
