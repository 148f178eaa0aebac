namespace Microsoft.AspNetCore.Builder;

public static class SearchApi
{
    public static WebApplication MapSearchApi(this WebApplication app) => app;
}
