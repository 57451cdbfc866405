import { lazy } from 'react';
import { type RouteObject } from 'react-router';
import { AccountIndex, AccountLayout } from './AccountLayout';
import { AppLayout } from './AppLayout';
import { RequireSession } from './RequireSession';
import { RouteError } from './RouteError';

// One chunk per screen, so the first page loads only its own code; AG Grid comes only
// with the grid screens, recharts only with the overview.
const HomePage = lazy(() => import('../pages/HomePage').then((m) => ({ default: m.HomePage })));
const StatusPage = lazy(() => import('../pages/StatusPage').then((m) => ({ default: m.StatusPage })));
const NotFoundPage = lazy(() => import('../pages/NotFoundPage').then((m) => ({ default: m.NotFoundPage })));
const SignInPage = lazy(() => import('../pages/SignInPage').then((m) => ({ default: m.SignInPage })));
const SignUpPage = lazy(() => import('../pages/SignUpPage').then((m) => ({ default: m.SignUpPage })));
const AccountsPage = lazy(() => import('../pages/AccountsPage').then((m) => ({ default: m.AccountsPage })));
const CampaignsPage = lazy(() => import('../pages/CampaignsPage').then((m) => ({ default: m.CampaignsPage })));
const AdGroupsPage = lazy(() => import('../pages/AdGroupsPage').then((m) => ({ default: m.AdGroupsPage })));
const AdsPage = lazy(() => import('../pages/AdsPage').then((m) => ({ default: m.AdsPage })));
const NewCampaignPage = lazy(() => import('../pages/NewCampaignPage').then((m) => ({ default: m.NewCampaignPage })));
const OverviewPage = lazy(() => import('../pages/OverviewPage').then((m) => ({ default: m.OverviewPage })));
const DeliveryPage = lazy(() => import('../pages/DeliveryPage').then((m) => ({ default: m.DeliveryPage })));
const FinancePage = lazy(() => import('../pages/FinancePage').then((m) => ({ default: m.FinancePage })));
const ReportsPage = lazy(() => import('../pages/ReportsPage').then((m) => ({ default: m.ReportsPage })));
const SettingsPage = lazy(() => import('../pages/SettingsPage').then((m) => ({ default: m.SettingsPage })));

export const routes: RouteObject[] = [
  {
    element: <AppLayout />,
    children: [
      {
        // Pathless so a crashing screen keeps the header and nav around its error.
        errorElement: <RouteError />,
        children: [
          { index: true, element: <HomePage /> },
          { path: 'status', element: <StatusPage /> },
          { path: 'signin', element: <SignInPage /> },
          { path: 'signup', element: <SignUpPage /> },
          {
            element: <RequireSession />,
            children: [
              { path: 'accounts', element: <AccountsPage /> },
              {
                path: 'accounts/:adAccountId',
                element: <AccountLayout />,
                children: [
                  { index: true, element: <AccountIndex /> },
                  { path: 'overview', element: <OverviewPage /> },
                  { path: 'campaigns', element: <CampaignsPage /> },
                  { path: 'campaigns/new', element: <NewCampaignPage /> },
                  { path: 'campaigns/:campaignId', element: <AdGroupsPage /> },
                  { path: 'ad_groups/:adGroupId', element: <AdsPage /> },
                  { path: 'ad_groups/:adGroupId/delivery', element: <DeliveryPage /> },
                  { path: 'reports', element: <ReportsPage /> },
                  { path: 'settings', element: <SettingsPage /> },
                  { path: 'finance', element: <FinancePage /> },
                ],
              },
            ],
          },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
];
