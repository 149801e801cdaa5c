<%@ WebService Language="C#" Class="Soap" %>
