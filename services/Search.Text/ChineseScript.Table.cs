namespace Search.Text;

public static partial class ChineseScript
{
    // Traditional/Simplified pairs, two characters per pair (Traditional first).
    // Written by the team from common usage; extend it as gaps are found.
    private const string Pairs =
        "這这個个們们來来時时會会說说對对國国學学過过還还發发後后經经動动" +
        "進进長长問问開开關关現现點点種种爲为為为與与從从體体電电見见實实" +
        "業业頭头間间樣样無无機机讓让麼么產产裡里裏里應应義义處处麵面";
}
