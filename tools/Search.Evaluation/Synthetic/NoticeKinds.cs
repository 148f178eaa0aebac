namespace Search.Evaluation.Synthetic;

/// <summary>One fact a notice may state: the sentence that states it, the question that asks it, and which slot answers.</summary>
public sealed record NoticeFact(string Sentence, string Question, string Answer);

/// <summary>
/// A kind of notice in one language: its title, the sentence that names its subject (always first), the facts it may
/// state, and the values of the kind's own slots. Slots are written <c>{name}</c>; see <see cref="NoticeSlots"/>.
/// </summary>
public sealed record NoticeText(string Title, string Subject, IReadOnlyList<NoticeFact> Facts, IReadOnlyDictionary<string, string[]> Pools);

/// <summary>
/// A kind of notice in the three languages, with the price range its <c>{price}</c> slot takes (in pounds or euros;
/// yuan are eight times as many).
/// </summary>
public sealed record NoticeKind(string Name, int PriceMin, int PriceMax, IReadOnlyDictionary<string, NoticeText> Languages);

/// <summary>
/// The kinds of notices <see cref="NoticeWriter"/> writes. They are deliberately not the probe set's kinds (opening
/// hours, release notes, return policies, product pages, appointments, events, transit, recipes): a model trained on
/// these and measured on the probe is measured on kinds of document it never saw.
/// </summary>
public static class NoticeKinds
{
    public const string English = "en";
    public const string Simplified = "zh-Hans";
    public const string Traditional = "zh-Hant";

    public static readonly IReadOnlyList<string> Languages = [English, Simplified, Traditional];

    public static readonly IReadOnlyList<NoticeKind> All =
    [
        new("job", 0, 0, new Dictionary<string, NoticeText>
        {
            [English] = new(
                "{org} is hiring: {role}",
                "{org} is looking for a {role} to join its team in {place}.",
                [
                    new("The position pays {salary} a year.", "How much does the {role} job at {org} pay?", "salary"),
                    new("Applications close on {date}.", "When is the deadline to apply for the {role} job at {org}?", "date"),
                    new("Questions about the role go to {person}, who leads the hiring team.", "Who should questions about the {role} job at {org} be sent to?", "person"),
                    new("The job is {hours} a week.", "How many hours a week is the {role} job at {org}?", "hours"),
                    new("Interviews will be held at {venue}.", "Where will interviews for the {role} job at {org} take place?", "venue"),
                    new("New staff get {days} of paid holiday a year.", "How many days of paid holiday does the {role} job at {org} offer?", "days"),
                ],
                new Dictionary<string, string[]>
                {
                    ["role"] = ["bookkeeper", "site engineer", "pastry chef", "lab technician", "data analyst", "night nurse", "warehouse supervisor", "translator"],
                    ["orgkind"] = ["Logistics", "Foods", "Engineering", "Dental Care", "Print Works", "Analytics"],
                    ["venuekind"] = ["House", "Business Centre", "Hall"],
                }),
            [Simplified] = new(
                "{org}招聘{role}",
                "{org}正在招聘一名{role}，工作地点在{place}。",
                [
                    new("该职位年薪为{salary}。", "{org}的{role}职位年薪是多少？", "salary"),
                    new("报名截止日期为{date}。", "{org}招聘{role}的报名截止日期是哪天？", "date"),
                    new("有关职位的问题请联系招聘负责人{person}。", "{org}招聘{role}的负责人是谁？", "person"),
                    new("该职位每周工作{hours}。", "{org}的{role}每周工作多长时间？", "hours"),
                    new("面试将在{venue}进行。", "{org}招聘{role}的面试在哪里进行？", "venue"),
                    new("员工每年享有{days}带薪年假。", "{org}的{role}每年有多少天带薪年假？", "days"),
                ],
                new Dictionary<string, string[]>
                {
                    ["role"] = ["会计", "现场工程师", "面点师", "实验室技术员", "数据分析师", "夜班护士", "仓库主管", "翻译"],
                    ["orgkind"] = ["物流公司", "食品公司", "工程公司", "牙科诊所", "印刷厂", "数据公司"],
                    ["venuekind"] = ["商务中心", "大厦", "会议中心"],
                }),
            [Traditional] = new(
                "{org}招募{role}",
                "{org}正在招募一名{role}，工作地點在{place}。",
                [
                    new("該職位年薪為{salary}。", "{org}的{role}職位年薪是多少？", "salary"),
                    new("報名截止日期為{date}。", "{org}招募{role}的報名截止日期是哪天？", "date"),
                    new("有關職位的問題請聯絡招募負責人{person}。", "{org}招募{role}的負責人是誰？", "person"),
                    new("該職位每週工作{hours}。", "{org}的{role}每週工作多長時間？", "hours"),
                    new("面試將在{venue}進行。", "{org}招募{role}的面試在哪裡進行？", "venue"),
                    new("員工每年享有{days}帶薪年假。", "{org}的{role}每年有多少天帶薪年假？", "days"),
                ],
                new Dictionary<string, string[]>
                {
                    ["role"] = ["會計", "現場工程師", "麵點師", "實驗室技術員", "數據分析師", "夜班護士", "倉庫主管", "翻譯"],
                    ["orgkind"] = ["物流公司", "食品公司", "工程公司", "牙科診所", "印刷廠", "數據公司"],
                    ["venuekind"] = ["商務中心", "大樓", "會議中心"],
                }),
        }),
        new("recall", 15, 120, new Dictionary<string, NoticeText>
        {
            [English] = new(
                "Recall notice: {product}",
                "{org} is recalling the {product} sold since {date}.",
                [
                    new("The recall was issued because {reason}.", "Why is the {product} being recalled?", "reason"),
                    new("Affected units carry batch numbers starting with {batch}.", "Which batch numbers of the {product} are affected by the recall?", "batch"),
                    new("Customers can return it to any {org} shop for a refund of {price}.", "How much is the refund for a recalled {product}?", "price"),
                    new("About {units} units were sold before the fault was found.", "How many {product} units were sold before the recall?", "units"),
                    new("The recall hotline, {phone}, is open every day from {time} to {time2}.", "What is the phone number of the {product} recall hotline?", "phone"),
                    new("The fault was first reported by a customer in {place}.", "Where was the fault in the {product} first reported?", "place"),
                ],
                new Dictionary<string, string[]>
                {
                    ["item"] = ["toaster", "hair dryer", "travel kettle", "power bank", "desk lamp", "baby monitor"],
                    ["reason"] = ["the handle can crack and burn the user", "the battery can overheat while charging", "the lid seal may hold small metal fragments", "the cable can overheat at the plug"],
                    ["orgkind"] = ["Home", "Electrics", "Appliances"],
                }),
            [Simplified] = new(
                "{product}召回公告",
                "{org}宣布召回自{date}起销售的{product}。",
                [
                    new("召回原因是{reason}。", "{product}为什么被召回？", "reason"),
                    new("受影响产品的批号以{batch}开头。", "哪些批号的{product}在召回范围内？", "batch"),
                    new("顾客可到任何一家{org}门店办理退款，退款金额为{price}。", "召回的{product}可以退款多少钱？", "price"),
                    new("发现故障前该产品共售出约{units}台。", "{product}在召回前共售出多少台？", "units"),
                    new("召回热线{phone}每天{time}至{time2}开放。", "{product}召回热线的电话号码是多少？", "phone"),
                    new("该故障最早由{place}的一位顾客报告。", "{product}的故障最早在哪里被报告？", "place"),
                ],
                new Dictionary<string, string[]>
                {
                    ["item"] = ["烤面包机", "吹风机", "旅行电热水壶", "移动电源", "台灯", "婴儿监视器"],
                    ["reason"] = ["手柄可能开裂并烫伤使用者", "电池在充电时可能过热", "密封圈中可能混有细小金属碎片", "插头处的电线可能过热"],
                    ["orgkind"] = ["家电", "电器", "家居"],
                }),
            [Traditional] = new(
                "{product}回收公告",
                "{org}宣布回收自{date}起銷售的{product}。",
                [
                    new("回收原因是{reason}。", "{product}為什麼被回收？", "reason"),
                    new("受影響產品的批號以{batch}開頭。", "哪些批號的{product}在回收範圍內？", "batch"),
                    new("顧客可到任何一家{org}門市辦理退款，退款金額為{price}。", "回收的{product}可以退款多少錢？", "price"),
                    new("發現故障前該產品共售出約{units}台。", "{product}在回收前共售出多少台？", "units"),
                    new("回收專線{phone}每天{time}至{time2}開放。", "{product}回收專線的電話號碼是多少？", "phone"),
                    new("該故障最早由{place}的一位顧客回報。", "{product}的故障最早在哪裡被回報？", "place"),
                ],
                new Dictionary<string, string[]>
                {
                    ["item"] = ["烤麵包機", "吹風機", "旅行電熱水壺", "行動電源", "檯燈", "嬰兒監視器"],
                    ["reason"] = ["手柄可能裂開並燙傷使用者", "電池在充電時可能過熱", "密封圈中可能混有細小金屬碎片", "插頭處的電線可能過熱"],
                    ["orgkind"] = ["家電", "電器", "家居"],
                }),
        }),
        new("exhibition", 8, 25, new Dictionary<string, NoticeText>
        {
            [English] = new(
                "Exhibition: {show} at {venue}",
                "{show}, an exhibition of {theme}, opens at {venue} on {date}.",
                [
                    new("It runs until {date2}.", "Until when is {show} on at {venue}?", "date2"),
                    new("Tickets cost {price}, and visitors under {age} get in free.", "How much is a ticket for {show}?", "price"),
                    new("The exhibition was curated by {person}.", "Who curated {show}?", "person"),
                    new("It fills {rooms} rooms on the {floor}.", "On which floor of {venue} is {show}?", "floor"),
                    new("On {weekday}s the museum stays open until {time2}.", "How late is {venue} open on {weekday}s?", "time2"),
                    new("More than {count} objects are on show, most of them lent by collectors in {place}.", "How many objects are on show in {show}?", "count"),
                ],
                new Dictionary<string, string[]>
                {
                    ["show"] = ["Salt and Stone", "Paper Cities", "The Quiet Loom", "Northern Lights, Southern Seas", "Clockwork Gardens", "Glass Voices"],
                    ["theme"] = ["woven textiles from coastal villages", "architectural models", "early photography", "hand-made clocks", "ceramics from the 1920s"],
                    ["venuekind"] = ["Museum", "Gallery", "Art Museum"],
                }),
            [Simplified] = new(
                "{venue}展览：{show}",
                "以{theme}为主题的展览{show}将于{date}在{venue}开幕。",
                [
                    new("展览持续到{date2}。", "{show}展览持续到什么时候？", "date2"),
                    new("门票为{price}，{age}岁以下观众免费。", "{show}展览的门票多少钱？", "price"),
                    new("本次展览的策展人是{person}。", "{show}展览的策展人是谁？", "person"),
                    new("展览位于{venue}{floor}的{rooms}个展厅。", "{show}展览在{venue}的哪一层？", "floor"),
                    new("每逢{weekday}，馆方开放至{time2}。", "{venue}{weekday}开放到几点？", "time2"),
                    new("展出的展品超过{count}件，大部分由{place}的收藏家出借。", "{show}展览展出了多少件展品？", "count"),
                ],
                new Dictionary<string, string[]>
                {
                    ["show"] = ["《盐与石》", "《纸上城市》", "《静默织机》", "《北光南海》", "《发条花园》", "《玻璃之声》"],
                    ["theme"] = ["海边村落的织物", "建筑模型", "早期摄影", "手工钟表", "二十年代的陶瓷"],
                    ["venuekind"] = ["博物馆", "美术馆", "艺术馆"],
                }),
            [Traditional] = new(
                "{venue}展覽：{show}",
                "以{theme}為主題的展覽{show}將於{date}在{venue}開幕。",
                [
                    new("展覽持續到{date2}。", "{show}展覽持續到什麼時候？", "date2"),
                    new("門票為{price}，{age}歲以下觀眾免費。", "{show}展覽的門票多少錢？", "price"),
                    new("本次展覽的策展人是{person}。", "{show}展覽的策展人是誰？", "person"),
                    new("展覽位於{venue}{floor}的{rooms}個展廳。", "{show}展覽在{venue}的哪一層？", "floor"),
                    new("每逢{weekday}，館方開放至{time2}。", "{venue}{weekday}開放到幾點？", "time2"),
                    new("展出的展品超過{count}件，大部分由{place}的收藏家出借。", "{show}展覽展出了多少件展品？", "count"),
                ],
                new Dictionary<string, string[]>
                {
                    ["show"] = ["《鹽與石》", "《紙上城市》", "《靜默織機》", "《北光南海》", "《發條花園》", "《玻璃之聲》"],
                    ["theme"] = ["海邊村落的織物", "建築模型", "早期攝影", "手工鐘錶", "二十年代的陶瓷"],
                    ["venuekind"] = ["博物館", "美術館", "藝術館"],
                }),
        }),
        new("outage", 10, 40, new Dictionary<string, NoticeText>
        {
            [English] = new(
                "Planned {service} interruption in {place}",
                "{org} will cut the {service} in parts of {place} on {date} for planned repairs.",
                [
                    new("The work starts at {time} and should end by {time2}.", "What time does the {service} interruption in {place} start?", "time"),
                    new("About {households} households on {street} and nearby roads are affected.", "How many households are affected by the {service} interruption in {place}?", "households"),
                    new("The repairs replace equipment installed in {year}.", "When was the equipment being replaced in {place} installed?", "year"),
                    new("Residents can get help at a service point set up at {venue}.", "Where is the service point during the {service} interruption in {place}?", "venue"),
                    new("Customers with questions can call {phone}.", "What number can customers call about the {service} interruption in {place}?", "phone"),
                    new("Each affected household will get a credit of {price} on its next bill.", "How much credit will households get for the {service} interruption in {place}?", "price"),
                ],
                new Dictionary<string, string[]>
                {
                    ["service"] = ["water supply", "electricity supply", "gas supply", "fibre internet service"],
                    ["orgkind"] = ["Water", "Power", "Energy", "Networks"],
                    ["venuekind"] = ["Community Hall", "Library", "Sports Centre"],
                }),
            [Simplified] = new(
                "{place}{service}暂停通知",
                "{org}将于{date}暂停{place}部分地区的{service}，以进行计划检修。",
                [
                    new("施工将于{time}开始，预计{time2}前结束。", "{place}暂停{service}的施工几点开始？", "time"),
                    new("{street}及周边道路约{households}户居民受到影响。", "{place}这次暂停{service}影响多少户居民？", "households"),
                    new("此次检修将更换{year}安装的设备。", "{place}此次检修更换的设备是哪一年安装的？", "year"),
                    new("施工期间，居民可到设在{venue}的服务点寻求帮助。", "{place}暂停{service}期间服务点设在哪里？", "venue"),
                    new("如有疑问，请拨打{phone}。", "{place}暂停{service}期间有疑问可以拨打什么电话？", "phone"),
                    new("受影响的住户将在下一期账单中获得{price}的补偿。", "{place}暂停{service}受影响的住户可以获得多少补偿？", "price"),
                ],
                new Dictionary<string, string[]>
                {
                    ["service"] = ["供水", "供电", "供气", "光纤网络服务"],
                    ["orgkind"] = ["水务公司", "供电公司", "燃气公司", "网络公司"],
                    ["venuekind"] = ["社区活动中心", "图书馆", "体育中心"],
                }),
            [Traditional] = new(
                "{place}{service}暫停通知",
                "{org}將於{date}暫停{place}部分地區的{service}，以進行計畫檢修。",
                [
                    new("施工將於{time}開始，預計{time2}前結束。", "{place}暫停{service}的施工幾點開始？", "time"),
                    new("{street}及周邊道路約{households}戶居民受到影響。", "{place}這次暫停{service}影響多少戶居民？", "households"),
                    new("此次檢修將更換{year}安裝的設備。", "{place}此次檢修更換的設備是哪一年安裝的？", "year"),
                    new("施工期間，居民可到設在{venue}的服務點尋求協助。", "{place}暫停{service}期間服務點設在哪裡？", "venue"),
                    new("如有疑問，請撥打{phone}。", "{place}暫停{service}期間有疑問可以撥打什麼電話？", "phone"),
                    new("受影響的住戶將在下一期帳單中獲得{price}的補償。", "{place}暫停{service}受影響的住戶可以獲得多少補償？", "price"),
                ],
                new Dictionary<string, string[]>
                {
                    ["service"] = ["供水", "供電", "供氣", "光纖網路服務"],
                    ["orgkind"] = ["自來水公司", "電力公司", "瓦斯公司", "網路公司"],
                    ["venuekind"] = ["社區活動中心", "圖書館", "運動中心"],
                }),
        }),
        new("match", 0, 0, new Dictionary<string, NoticeText>
        {
            [English] = new(
                "{team} win the {cup}",
                "{team} beat {team2} {score} in the final of the {cup} on {date}.",
                [
                    new("The match was played at {venue}.", "Where was the {cup} final played?", "venue"),
                    new("The final drew a crowd of {crowd}.", "How many people watched the {cup} final?", "crowd"),
                    new("{person} scored the winning goal.", "Who scored the winning goal in the {cup} final?", "person"),
                    new("It is the club's first title since {year}.", "When did {team} last win a title before the {cup}?", "year"),
                    new("Head coach {person2} dedicated the win to the club's youth academy.", "Who is the head coach of {team}?", "person2"),
                    new("The winners receive prize money of {prize}.", "How much prize money did {team} get for winning the {cup}?", "prize"),
                ],
                new Dictionary<string, string[]>
                {
                    ["teamkind"] = ["Rovers", "United", "Athletic", "City", "Wanderers"],
                    ["venuekind"] = ["Stadium", "Park", "Arena"],
                }),
            [Simplified] = new(
                "{team}夺得{cup}冠军",
                "{date}，{team}在{cup}决赛中以{score}击败{team2}。",
                [
                    new("比赛在{venue}举行。", "{cup}决赛在哪里举行？", "venue"),
                    new("决赛吸引了{crowd}名观众。", "{cup}决赛有多少名观众？", "crowd"),
                    new("{person}攻入了制胜一球。", "{cup}决赛的制胜球是谁踢进的？", "person"),
                    new("这是该队自{year}以来的首个冠军。", "{team}在{cup}之前上一次夺冠是哪一年？", "year"),
                    new("主教练{person2}把这场胜利献给了俱乐部的青训营。", "{team}的主教练是谁？", "person2"),
                    new("冠军队将获得{prize}奖金。", "{team}赢得{cup}获得多少奖金？", "prize"),
                ],
                new Dictionary<string, string[]>
                {
                    ["teamkind"] = ["队", "联队", "竞技"],
                    ["venuekind"] = ["体育场", "体育中心", "球场"],
                }),
            [Traditional] = new(
                "{team}奪得{cup}冠軍",
                "{date}，{team}在{cup}決賽中以{score}擊敗{team2}。",
                [
                    new("比賽在{venue}舉行。", "{cup}決賽在哪裡舉行？", "venue"),
                    new("決賽吸引了{crowd}名觀眾。", "{cup}決賽有多少名觀眾？", "crowd"),
                    new("{person}攻進了致勝一球。", "{cup}決賽的致勝球是誰踢進的？", "person"),
                    new("這是該隊自{year}以來的首個冠軍。", "{team}在{cup}之前上一次奪冠是哪一年？", "year"),
                    new("總教練{person2}把這場勝利獻給了俱樂部的青訓營。", "{team}的總教練是誰？", "person2"),
                    new("冠軍隊將獲得{prize}獎金。", "{team}贏得{cup}獲得多少獎金？", "prize"),
                ],
                new Dictionary<string, string[]>
                {
                    ["teamkind"] = ["隊", "聯隊", "競技"],
                    ["venuekind"] = ["體育場", "運動中心", "球場"],
                }),
        }),
        new("course", 60, 400, new Dictionary<string, NoticeText>
        {
            [English] = new(
                "{course} course at {org}",
                "{org} is running a {course} course for beginners starting on {date}.",
                [
                    new("Classes meet every {weekday} from {time} to {time2}.", "On which day of the week does the {course} course at {org} meet?", "weekday"),
                    new("The course lasts {weeks}.", "How long does the {course} course at {org} last?", "weeks"),
                    new("The fee is {price}, materials included.", "How much does the {course} course at {org} cost?", "price"),
                    new("It is taught by {person}, who has run courses at {org} since {year}.", "Who teaches the {course} course at {org}?", "person"),
                    new("Classes take place in {room}.", "In which room is the {course} course at {org} held?", "room"),
                    new("Places are limited to {seats} students.", "How many students can join the {course} course at {org}?", "seats"),
                ],
                new Dictionary<string, string[]>
                {
                    ["course"] = ["pottery", "conversational Spanish", "bookkeeping", "watercolour painting", "bicycle repair", "first aid"],
                    ["orgkind"] = ["Community College", "Adult Learning Centre", "Arts Centre"],
                }),
            [Simplified] = new(
                "{org}{course}课程",
                "{org}将于{date}开设{course}入门课程。",
                [
                    new("课程每{weekday}{time}至{time2}上课。", "{org}的{course}课程每周哪天上课？", "weekday"),
                    new("课程为期{weeks}。", "{org}的{course}课程为期多久？", "weeks"),
                    new("学费为{price}，含材料费。", "{org}的{course}课程学费是多少？", "price"),
                    new("授课老师是{person}，自{year}起在{org}任教。", "{org}的{course}课程由谁授课？", "person"),
                    new("上课地点在{room}。", "{org}的{course}课程在哪个教室上课？", "room"),
                    new("名额限{seats}人。", "{org}的{course}课程限多少人？", "seats"),
                ],
                new Dictionary<string, string[]>
                {
                    ["course"] = ["陶艺", "西班牙语会话", "记账", "水彩画", "自行车维修", "急救"],
                    ["orgkind"] = ["社区学院", "成人教育中心", "艺术中心"],
                }),
            [Traditional] = new(
                "{org}{course}課程",
                "{org}將於{date}開設{course}入門課程。",
                [
                    new("課程每{weekday}{time}至{time2}上課。", "{org}的{course}課程每週哪天上課？", "weekday"),
                    new("課程為期{weeks}。", "{org}的{course}課程為期多久？", "weeks"),
                    new("學費為{price}，含材料費。", "{org}的{course}課程學費是多少？", "price"),
                    new("授課老師是{person}，自{year}起在{org}任教。", "{org}的{course}課程由誰授課？", "person"),
                    new("上課地點在{room}。", "{org}的{course}課程在哪間教室上課？", "room"),
                    new("名額限{seats}人。", "{org}的{course}課程限多少人？", "seats"),
                ],
                new Dictionary<string, string[]>
                {
                    ["course"] = ["陶藝", "西班牙語會話", "記帳", "水彩畫", "自行車維修", "急救"],
                    ["orgkind"] = ["社區學院", "成人教育中心", "藝術中心"],
                }),
        }),
    ];
}
